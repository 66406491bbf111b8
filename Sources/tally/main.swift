// The operator CLI: configuration and wiring only; the work is in SurveyEngine.
TallyCommand.main()
