from django.http import HttpResponse
from django.urls import path

app_name = "portal"
urlpatterns = [path("", lambda request: HttpResponse("Linia"), name="home")]
