"""The training reports: the figures (person-times, compliance, absentees), their filter form, tables, views, XLSX export and admin hooks."""
