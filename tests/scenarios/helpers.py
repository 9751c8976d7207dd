"""Helpers of the scenario tests."""


def snapshot():
    """Every scenario row the tests may touch, to show that a refused request wrote nothing."""
    from scenarios.models import Scenario, ScenarioApplication, ScenarioList, ScenarioTransition

    return (
        sorted(
            Scenario.objects.values_list(
                "pk",
                "status",
                "title",
                "owner_unit",
                "published_list",
                "published_on",
                "deadline",
                "awarded_on",
                "started_on",
                "delivered_on",
                "withdrawn_on",
                "updated_at",
            )
        ),
        sorted(ScenarioApplication.objects.values_list("pk", "status", "amount", "updated_at")),
        sorted(ScenarioList.objects.values_list("pk", "code")),
        ScenarioTransition.objects.count(),
        Scenario.history.count() + ScenarioApplication.history.count(),
    )
