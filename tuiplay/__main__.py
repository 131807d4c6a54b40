from tuiplay.cli import main

raise SystemExit(main())
