"""The back office of registration: the works list (台账) and detail, the staff actions and their forms, paper registration, history, private photos, notifications to registrants and street scoping."""
