"""Evaluation at city scale (``seed_demo --scale``, see ``portal.scale``): the small demo's schemes, made
and computed by ``evaluation.demo`` itself over the city-scale data, so that the benchmark can recompute
the 中心城区 half-year ranking."""

from portal.scale import Scale

from . import demo


def load(scale: Scale) -> str:
    return demo.seed(password=scale.password, today=scale.today)
