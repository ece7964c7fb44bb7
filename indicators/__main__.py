from indicators.cli.main import main

raise SystemExit(main())
