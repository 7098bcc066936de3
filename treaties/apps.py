from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "Treaties and status events"

    def ready(self) -> None:
        """Receive `countries.signals.counting_changed`.

        `countries` cannot import `treaties`, yet a change to a membership, a region
        assignment or a country's lifespan must mark the treaties' summaries in its own
        transaction: its services send the signal, and `summary_mark_on_counting_change`
        writes the marks.
        """
        from countries.signals import counting_changed
        from treaties.recompute import summary_mark_on_counting_change

        counting_changed.connect(summary_mark_on_counting_change, dispatch_uid="treaties.summary_mark")
