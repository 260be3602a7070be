"""HTML pages of the PAR Index (function views, thin): each module lists its own urlpatterns."""
