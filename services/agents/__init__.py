"""What the three agents share: the trip request, the answer schemas that both the
offline engine and a model fill, their rule checks, pricing, proto mapping, and the
deterministic offline engine.
"""
