import factory

from capmap.development.models import TrainingFormat, TrainingItem


class TrainingItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Training course {n}")
    provider = "NHS England e-Learning for Healthcare"
    format = TrainingFormat.E_LEARNING
    hours = 2
    cost = 0

    @factory.post_generation
    def competencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.competencies.set(extracted)
