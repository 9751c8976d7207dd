"""Demo enterprises and their ``ent-<uscc>`` users: a few per region for now; the registry issue makes
the full, believable set."""

import random

from stdnum.cn import uscc

from portal.choices import Role
from portal.models import Region, User
from portal.services import create_account

from .choices import Industry
from .models import Enterprise

PREFIXES = ["云启", "渝信", "山城", "数智", "嘉陵", "长江", "两江", "巴渝", "星辰", "智汇", "天衍", "融创"]
SUFFIXES = ["软件", "信息技术", "数据科技", "智能科技", "网络科技", "数字科技"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def demo_uscc(rng: random.Random, region_code: str) -> str:
    division = region_code if region_code.isdigit() else "500000"
    body = "91" + division + "MA" + "".join(rng.choice(ALPHABET) for _ in range(7))
    return body + uscc.calc_check_digit(body)


def seed(*, password: str, today) -> str:
    rng = random.Random(20221)  # deterministic: the same names and codes on every machine
    created = 0
    for region in Region.objects.top_level():
        count = 3 if region.central_urban else 1
        for _ in range(count):
            code = demo_uscc(rng, region.code)
            name = f"重庆{rng.choice(PREFIXES)}{rng.choice(SUFFIXES)}有限公司"
            enterprise, made = Enterprise.objects.get_or_create(
                uscc=code,
                defaults={
                    "name": f"{name[:-4]}（{region.name[:2]}）有限公司",
                    "region": region,
                    "industry": rng.choice(Industry.values),
                },
            )
            created += made
            username = f"ent-{code}"
            if not User.objects.filter(username=username).exists():
                create_account(
                    actor=None,
                    username=username,
                    password=password,
                    role=Role.ENTERPRISE,
                    enterprise=enterprise,
                )
    return f"新建企业 {created} 家"
