"""Hooks that act once per site act when the outermost of the nested language builds ends."""

from extensions.sitebuild.nesting import NestedBuilds


def test_only_the_outermost_end_counts_and_a_failed_build_starts_afresh() -> None:
    builds = NestedBuilds()
    builds.start()  # the default language
    builds.start()  # another language, built inside the first one's post-build
    assert builds.ended() is False
    assert builds.ended() is True
    builds.start()
    builds.start()
    builds.abandon()  # a build error: the next build is the outermost again
    builds.start()
    assert builds.ended() is True
