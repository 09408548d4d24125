from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account, errors, exercises, lessons, progress, reviews

urlpatterns = [
    path("", lessons.home, name="home"),
    path("lessons/<slug:lesson_id>/", lessons.lesson_page, name="lesson"),
    path("lessons/<slug:lesson_id>/checks/<slug:question_id>/", lessons.check_answer, name="check"),
    path("lessons/<slug:lesson_id>/exercises/<slug:exercise_id>/", exercises.exercise_page, name="exercise"),
    path("lessons/<slug:lesson_id>/exercises/<slug:exercise_id>/new/", exercises.new_variant, name="exercise-new"),
    path("attempts/<int:attempt_id>/answer/", exercises.answer, name="attempt-answer"),
    path("reviews/", reviews.review_page, name="reviews"),
    path("progress/", progress.progress_page, name="progress"),
    path("language/", account.set_language, name="set-language"),
    path("accounts/signup/", account.signup, name="signup"),
    path("accounts/login/", account.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", account.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", errors.health, name="health"),
    path("healthz/live", errors.live, name="health-live"),
]
