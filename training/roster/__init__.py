"""The roster: the trainee forms, the roster import from a sheet (parse, preview, confirm) and its views, and the roster admin (viewset)."""
