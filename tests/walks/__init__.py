"""The language walks: whole demo sessions run as a user runs them (subprocesses against the
simulator), their every printed and logged line checked for the other language. Their own tier,
`make test-walks` (README, "Which tier runs where")."""
