import factory
from stdnum.cn import uscc

from enterprises.models import Enterprise
from portal.choices import Role
from portal.models import Region, User

TEST_PASSWORD = "Test-passw0rd!"


def region(code: str) -> Region:
    """Regions are reference data loaded by migration: look them up, never create them."""
    return Region.objects.get(code=code)


def make_uscc(n: int, division: str = "500103") -> str:
    body = f"91{division}MA{n:07d}"
    return body + uscc.calc_check_digit(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(lambda n: make_uscc(n))
    name = factory.Sequence(lambda n: f"重庆测试软件{n}有限公司")
    region = factory.LazyFunction(lambda: region("500103"))
    industry = "software"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CITY
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def city_user(**kwargs) -> User:
    return UserFactory(role=Role.CITY, **kwargs)


def district_user(code: str = "500103", **kwargs) -> User:
    return UserFactory(role=Role.DISTRICT, region=region(code), **kwargs)


def enterprise_user(enterprise: Enterprise | None = None, **kwargs) -> User:
    return UserFactory(role=Role.ENTERPRISE, enterprise=enterprise or EnterpriseFactory(), **kwargs)
