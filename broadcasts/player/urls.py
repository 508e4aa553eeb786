from django.urls import path

from broadcasts.player import views

app_name = "board_player"
urlpatterns = [
    path("bang-tin/", views.board, name="board"),
    path("bang-tin/sw.js", views.worker, name="worker"),
]
