"""The API's endpoints, one router per feature: lessons and checks, attempts, the learner, tokens."""
