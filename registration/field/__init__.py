"""Field work on the phone: the inspector's round (今日巡查), the standard
checklists, proof of presence, and the follow-up of hazard deadlines."""
