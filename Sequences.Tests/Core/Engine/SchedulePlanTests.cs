using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using static Sequences.Tests.Core.Engine.Times;

namespace Sequences.Tests.Core.Engine;

public sealed class SchedulePlanTests
{
    private static readonly SequenceSettings Defaults = new();

    private static SequenceStep Step(StepType type, int days = 0, int hours = 0, string? sendTime = null) =>
        new() { StepType = type, DelayDays = days, DelayHours = hours, SendTime = sendTime };

    public static TheoryData<string, SequenceStep, string, string, string[]> Plans => new()
    {
        // Due at once: no reasons.
        { "Europe/London", Step(StepType.Email), "2026-06-02T10:00", "2026-06-02T10:00", [] },
        { "Europe/London", Step(StepType.Email), "2026-06-05T15:59", "2026-06-05T15:59", [] }, // Fri 16:59 BST
        // Waits.
        { "Europe/London", Step(StepType.Email, days: 2, hours: 3), "2026-06-01T08:00", "2026-06-03T11:00", ["delay"] },
        { "America/New_York", Step(StepType.Email, days: 3), "2026-03-06T19:00", "2026-03-09T18:00", ["delay"] }, // Fri 14:00 EST -> Mon 14:00 EDT
        { "Europe/London", Step(StepType.Delay, days: 1), "2026-10-24T09:00", "2026-10-25T10:00", ["delay"] }, // 10:00 BST -> 10:00 GMT
        // send_time, any step type.
        { "America/New_York", Step(StepType.Delay, sendTime: "02:30"), "2026-03-08T01:00", "2026-03-08T07:30", ["send_time"] }, // gap -> 03:30 EDT
        { "Pacific/Chatham", Step(StepType.Condition, days: 1, sendTime: "03:00"), "2026-09-25T12:00", "2026-09-26T14:15", ["delay", "send_time"] },
        { "Asia/Kolkata", Step(StepType.Email, days: 1, sendTime: "10:00"), "2026-06-01T03:30", "2026-06-02T04:30", ["delay", "send_time"] },
        { "Europe/London", Step(StepType.Email, sendTime: "10:00"), "2026-06-02T09:00", "2026-06-02T09:00", [] }, // already at send_time
        // The window and business days apply to email steps only; the window wins over send_time.
        { "Europe/London", Step(StepType.Email, sendTime: "07:00"), "2026-06-02T05:00", "2026-06-02T08:00", ["send_time", "send_window"] },
        { "Europe/London", Step(StepType.Delay, sendTime: "07:00"), "2026-06-02T05:00", "2026-06-02T06:00", ["send_time"] },
        { "Europe/London", Step(StepType.Email), "2026-06-05T16:00", "2026-06-08T08:00", ["send_window", "weekend"] }, // Fri 17:00 -> Mon 09:00
        { "Europe/London", Step(StepType.Email, days: 1), "2026-06-05T10:00", "2026-06-08T08:00", ["delay", "weekend"] }, // lands Sat 11:00
        { "Europe/London", Step(StepType.Email), "2026-06-07T19:00", "2026-06-08T08:00", ["send_window", "weekend"] }, // Sun 20:00
        { "Europe/London", Step(StepType.Email), "2026-06-02T17:00", "2026-06-03T08:00", ["send_window"] },
        { "Europe/London", Step(StepType.Action), "2026-06-06T22:00", "2026-06-06T22:00", [] },
        { "Europe/London", Step(StepType.Condition, hours: 1), "2026-06-06T22:00", "2026-06-06T23:00", ["delay"] },
        { "America/New_York", Step(StepType.Email, days: 1), "2026-10-31T13:00", "2026-11-02T14:00", ["delay", "weekend"] }, // Sat EDT -> Sun -> Mon 09:00 EST
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void Plan_applies_wait_then_send_time_then_window(string zone, SequenceStep step, string fromUtc, string expectedUtc, string[] codes)
    {
        var plan = Schedule.Plan(step, Utc(fromUtc), Zone(zone), Defaults);

        plan.DueAt.Should().Be(Utc(expectedUtc));
        plan.DueAt.Kind.Should().Be(DateTimeKind.Utc);
        plan.Reasons.Select(r => r.Code).Should().Equal(codes);
        Schedule.DueAt(step, Utc(fromUtc), Zone(zone), Defaults).Should().Be(plan.DueAt);
    }

    [Fact]
    public void Reasons_read_as_sentences()
    {
        var london = Zone("Europe/London");

        // Wed 13:00 BST + 2 days 3 hours = Fri 16:00; the next 07:00 is Saturday, before the window and on the weekend.
        Schedule.Plan(Step(StepType.Email, days: 2, hours: 3, sendTime: "07:00"), Utc("2026-06-03T12:00"), london, Defaults)
            .Reasons.Select(r => r.Message).Should().Equal(
                "Waits 2 days and 3 hours",
                "Sends at 07:00 local time",
                "Outside the send window 09:00-17:00 (Europe/London)",
                "Weekend in Europe/London: waits for Monday");
        Schedule.Plan(Step(StepType.Delay, days: 1), Utc("2026-06-01T12:00"), london, Defaults)
            .Reasons.Single().Message.Should().Be("Waits 1 day");
        Schedule.Plan(Step(StepType.Delay, hours: 1), Utc("2026-06-01T12:00"), london, Defaults)
            .Reasons.Single().Message.Should().Be("Waits 1 hour");
    }

    [Fact]
    public void Window_settings_come_from_the_sequence()
    {
        var settings = new SequenceSettings { SendWindow = new SendWindow("00:00", "24:00"), BusinessDaysOnly = false };

        var plan = Schedule.Plan(Step(StepType.Email), Utc("2026-06-06T02:00"), Zone("Europe/London"), settings);

        plan.DueAt.Should().Be(Utc("2026-06-06T02:00"));
        plan.Reasons.Should().BeEmpty();
    }

    [Theory]
    [InlineData("2026-06-02T10:00", "2026-06-02T10:00", new string[0])]
    [InlineData("2026-06-06T10:00", "2026-06-08T08:00", new[] { "weekend" })] // overdue email run on a Saturday
    [InlineData("2026-06-04T20:00", "2026-06-05T08:00", new[] { "send_window" })]
    public void WindowCheck_holds_an_overdue_email_until_the_window_opens(string nowUtc, string expectedUtc, string[] codes)
    {
        var plan = Schedule.WindowCheck(Utc(nowUtc), Zone("Europe/London"), Defaults);

        plan.DueAt.Should().Be(Utc(expectedUtc));
        plan.Reasons.Select(r => r.Code).Should().Equal(codes);
    }
}
