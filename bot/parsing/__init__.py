"""What people type, parsed: ``/goal`` command text (``command``) and check-in replies
(``reply``). Pure functions; each error carries a message fit to show the person."""
