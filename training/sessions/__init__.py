"""Sessions and the attendance sheet: the session form, the sheet (rows, marks, walk-ins) and its view, and the session and topic admin (viewsets)."""
