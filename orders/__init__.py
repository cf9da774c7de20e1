"""Orders: cart, checkout quotes, orders split per seller and warehouse, payments, expiry."""
