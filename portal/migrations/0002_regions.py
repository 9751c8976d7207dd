"""Chongqing's regions (SPEC §2): 38 区县 with their GB/T 2260 codes, 4 development zones, and 北碚区's
six 园城. The 中心城区 flag marks the central urban evaluation set; membership stays editable in the admin."""

from django.db import migrations

CENTRAL_URBAN = {"渝中区", "大渡口区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区", "渝北区", "巴南区",
                 "两江新区", "西部科学城重庆高新区"}

DISTRICTS = [
    ("500101", "万州区"), ("500102", "涪陵区"), ("500103", "渝中区"), ("500104", "大渡口区"), ("500105", "江北区"),
    ("500106", "沙坪坝区"), ("500107", "九龙坡区"), ("500108", "南岸区"), ("500109", "北碚区"), ("500110", "綦江区"),
    ("500111", "大足区"), ("500112", "渝北区"), ("500113", "巴南区"), ("500114", "黔江区"), ("500115", "长寿区"),
    ("500116", "江津区"), ("500117", "合川区"), ("500118", "永川区"), ("500119", "南川区"), ("500120", "璧山区"),
    ("500151", "铜梁区"), ("500152", "潼南区"), ("500153", "荣昌区"), ("500154", "开州区"), ("500155", "梁平区"),
    ("500156", "武隆区"),
]
COUNTIES = [
    ("500229", "城口县"), ("500230", "丰都县"), ("500231", "垫江县"), ("500233", "忠县"), ("500235", "云阳县"),
    ("500236", "奉节县"), ("500237", "巫山县"), ("500238", "巫溪县"), ("500240", "石柱县"), ("500241", "秀山县"),
    ("500242", "酉阳县"), ("500243", "彭水县"),
]
ZONES = [("LJXQ", "两江新区"), ("GXQ", "西部科学城重庆高新区"), ("JKQ", "重庆经开区"), ("WSJKQ", "万盛经开区")]
BEIBEI_PARKS = ["缙云人文科技城", "蔡家智慧新城", "西部（重庆）科学城北碚园区", "两江水土新城",
                "温泉谷两山生态文旅产业园", "生态农业科技产业示范区"]


def load_regions(apps, schema_editor):
    Region = apps.get_model("portal", "Region")
    order = 0
    for kind, rows in (("district", DISTRICTS), ("county", COUNTIES), ("zone", ZONES)):
        for code, name in rows:
            order += 1
            Region.objects.update_or_create(
                code=code,
                defaults={"name": name, "kind": kind, "central_urban": name in CENTRAL_URBAN, "sort_order": order},
            )
    beibei = Region.objects.get(code="500109")
    for number, name in enumerate(BEIBEI_PARKS, start=1):
        order += 1
        Region.objects.update_or_create(
            code=f"500109-{number:02d}",
            defaults={"name": name, "kind": "park", "parent": beibei, "central_urban": False, "sort_order": order},
        )


def unload_regions(apps, schema_editor):
    apps.get_model("portal", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(load_regions, unload_regions)]
