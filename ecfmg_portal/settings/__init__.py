"""Settings modules: ``base`` (environment-driven, laptop defaults), ``dev``,
``test`` and ``production`` (deployment posture, refuses unsafe values)."""
