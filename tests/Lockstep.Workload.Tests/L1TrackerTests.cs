namespace Lockstep.Workload.Tests;

/// <summary>
/// The L1 tracker of the bench (issue 8: nothing grows without bound in a long soak): one entry per posting, not per
/// height; postings below the watched heights forgotten; a hard cap on what is kept.
/// </summary>
public sealed class L1TrackerTests
{
    [Fact]
    public void Every_height_of_a_posting_answers_its_moment_and_heights_outside_answer_nothing()
    {
        var tracker = new L1Tracker();
        tracker.OnPosted(1, 10);
        Assert.True(tracker.TryGetPostedAt(1, out long a));
        Assert.True(tracker.TryGetPostedAt(10, out long b));
        Assert.Equal(a, b);
        tracker.OnPosted(11, 11);
        tracker.OnPosted(12, 40);
        Assert.True(tracker.TryGetPostedAt(11, out long c));
        Assert.True(tracker.TryGetPostedAt(25, out long d));
        Assert.True(c >= a && d >= c, "later postings have later moments");
        Assert.False(tracker.TryGetPostedAt(0, out _));
        Assert.False(tracker.TryGetPostedAt(41, out _));
        Assert.Equal(3, tracker.Count);
        Assert.Equal(40UL, tracker.LastHeight);
    }

    [Fact]
    public void A_height_posted_again_keeps_its_first_moment_and_adds_only_the_new_heights()
    {
        var tracker = new L1Tracker();
        tracker.OnPosted(1, 5);
        Assert.True(tracker.TryGetPostedAt(5, out long first));
        Thread.Sleep(5);
        // A replacement after an L1 reorg covers 4..8: 4 and 5 keep their first moment, 6..8 are new.
        tracker.OnPosted(4, 8);
        Assert.True(tracker.TryGetPostedAt(5, out long again));
        Assert.Equal(first, again);
        Assert.True(tracker.TryGetPostedAt(6, out long later));
        Assert.True(later > first);
        tracker.OnPosted(2, 3); // entirely known: nothing added
        tracker.OnPosted(9, 8); // empty range: nothing added
        Assert.Equal(2, tracker.Count);
        Assert.Equal(8UL, tracker.LastHeight);
    }

    [Fact]
    public void Forget_below_drops_only_postings_entirely_below_the_height()
    {
        var tracker = new L1Tracker();
        for (ulong h = 1; h <= 100; h += 10) tracker.OnPosted(h, h + 9); // 10 postings: 1..10, 11..20, ..., 91..100
        tracker.ForgetBelow(35);
        // 31..40 holds 35 and stays; 1..30 go.
        Assert.Equal(7, tracker.Count);
        Assert.False(tracker.TryGetPostedAt(30, out _));
        Assert.True(tracker.TryGetPostedAt(31, out _));
        Assert.True(tracker.TryGetPostedAt(100, out _));
        tracker.ForgetBelow(1_000);
        Assert.Equal(0, tracker.Count);
        Assert.False(tracker.TryGetPostedAt(100, out _));
        // Still usable after everything was forgotten, and a posting below the last known one is not taken again.
        tracker.OnPosted(50, 60);
        Assert.Equal(0, tracker.Count);
        tracker.OnPosted(101, 110);
        Assert.Equal(1, tracker.Count);
        Assert.True(tracker.TryGetPostedAt(105, out _));
    }

    [Fact]
    public void A_soak_of_many_rounds_keeps_the_tracker_at_the_size_of_one_round()
    {
        // 1,000 rounds of 30 postings of 3 heights each (a superbatch per second over a 30-second round), every round
        // forgetting what lies below its first height, as the load driver does: the tracker holds at most two rounds.
        var tracker = new L1Tracker();
        ulong height = 0;
        int largest = 0;
        for (int round = 0; round < 1_000; round++)
        {
            tracker.ForgetBelow(height + 1);
            for (int p = 0; p < 30; p++, height += 3) tracker.OnPosted(height + 1, height + 3);
            largest = Math.Max(largest, tracker.Count);
        }
        Assert.InRange(largest, 30, 60);
        Assert.True(tracker.TryGetPostedAt(height, out _));
    }

    [Fact]
    public void Without_forgetting_the_cap_bounds_what_is_kept()
    {
        var tracker = new L1Tracker(maxPostings: 100);
        for (ulong h = 1; h <= 10_000; h++) tracker.OnPosted(h, h);
        Assert.Equal(100, tracker.Count);
        Assert.False(tracker.TryGetPostedAt(9_900, out _));
        Assert.True(tracker.TryGetPostedAt(9_901, out _));
        Assert.True(tracker.TryGetPostedAt(10_000, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => new L1Tracker(0));
    }
}
