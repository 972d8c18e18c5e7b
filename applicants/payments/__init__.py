"""Balance and payments (R-PAY-1..2): the ledger page, online payment through a
provider (Stripe Checkout or the development sandbox), provider webhooks applied
exactly once, and staff entries recorded in the admin. See docs/payments.md."""
