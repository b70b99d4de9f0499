"""Shipping a fix: pushing its branch and opening the pull/merge request."""
