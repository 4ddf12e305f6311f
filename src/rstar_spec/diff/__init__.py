"""Changes between two versions of the spec.

changes    what changed between two bundles, breaking or not
rules      the rules of a change, one table: id, breaking or not, reason
changelog  the changes as text or Markdown, CHANGELOG.md
gate       the breaking-change gate: a spec at a git commit against the working one
gitref     a spec read from a git commit
"""
