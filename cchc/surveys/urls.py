from .views import campaigns, entry, questionnaires, results

app_name = "surveys"

urlpatterns = (
    questionnaires.urlpatterns + campaigns.urlpatterns + entry.urlpatterns + results.urlpatterns
)
