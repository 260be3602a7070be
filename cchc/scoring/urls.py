from .views import results, rounds, sets, sheets

app_name = "scoring"

urlpatterns = sets.urlpatterns + rounds.urlpatterns + sheets.urlpatterns + results.urlpatterns
