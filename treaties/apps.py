from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "Treaties and status events"

    def ready(self) -> None:
        """Receive `countries.signals.counting_changed`, and register the Celery tasks.

        `countries` cannot import `treaties`, yet a change to a membership, a region
        assignment or a country's lifespan must mark the treaties' summaries in its own
        transaction: its services send the signal, and `summary_mark_on_counting_change`
        writes the marks.

        A mark wakes a worker through the task's name in Celery's registry
        (`services.summaries.SUMMARY_RECOMPUTE_TASK`), so the tasks are registered here in
        every process, the web's included. The imports are here, not at the top, because
        Django imports this module before the models are ready; nothing imports it back.
        """
        from countries.signals import counting_changed
        from treaties import tasks  # noqa: F401  (registers the tasks)
        from treaties.services.summaries import summary_mark_on_counting_change

        counting_changed.connect(summary_mark_on_counting_change, dispatch_uid="treaties.summary_mark")
