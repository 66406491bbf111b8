print("tally: subcommands arrive with the survey engine")
