"""The admin for staff: the course index, learners' answers, attempts and review cards."""

from django.contrib import admin

from .models import Attempt, CheckAnswer, ExerciseGenerator, Lesson, Profile, ReviewCard, ReviewLog, SignInFailure


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("id", "order", "title_en", "title_ru", "active", "content_version")
    list_filter = ("active",)
    search_fields = ("id", "title_en", "title_ru")


@admin.register(ExerciseGenerator)
class ExerciseGeneratorAdmin(admin.ModelAdmin):
    list_display = ("__str__", "answer_type", "active")
    list_filter = ("active", "answer_type", "lesson")


@admin.register(CheckAnswer)
class CheckAnswerAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "question_id", "correct", "created")
    list_filter = ("correct", "lesson")
    search_fields = ("user__username", "question_id")
    raw_id_fields = ("user",)


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("user", "generator", "number", "review", "correct", "answered_at")
    list_filter = ("review", "correct")
    search_fields = ("user__username",)
    raw_id_fields = ("user", "generator")


@admin.register(ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
    list_display = ("user", "generator", "due", "reviews")
    raw_id_fields = ("user", "generator")


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ("card", "rating", "reviewed_at", "due_after")
    raw_id_fields = ("card", "attempt")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "language")


@admin.register(SignInFailure)
class SignInFailureAdmin(admin.ModelAdmin):
    """Failed sign-ins still counted by the throttle (read-only: they expire on their own)."""

    list_display = ("username", "client", "at")
    search_fields = ("username", "client")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
