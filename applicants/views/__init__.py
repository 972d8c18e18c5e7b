"""Pages of the applicant portal, one module per area. Views stay thin: they read a
form, call one service and turn a ``DomainError`` into a message (``common``)."""
