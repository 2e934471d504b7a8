"""The public side of registration: the scope self-check, the form journey and its drafts, the receipt, the verification page and the status lookup."""
