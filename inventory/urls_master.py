"""Master data pages: list, search, create, edit, CSV import and export."""

urlpatterns: list = []
