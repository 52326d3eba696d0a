"""Pages for residents and village officials: sign-in, catalogue, forms,
uploads, status and receipt."""
