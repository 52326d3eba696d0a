"""Common building blocks of every DOMPAK service.

Holds only what every stage needs: the event envelope and payload models,
topic names, settings base, logging setup, and the broker, database and
object-storage clients. No stage's business rules live here.
"""
