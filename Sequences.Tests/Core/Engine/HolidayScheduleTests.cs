using Sequences.Core.Engine;
using Sequences.Core.Sequences;
using static Sequences.Tests.Core.Engine.Times;

namespace Sequences.Tests.Core.Engine;

/// <summary>skip_holidays: email sends skip the lead's country's public holidays like weekends, in the lead's zone.</summary>
public sealed class HolidayScheduleTests
{
    private static readonly SequenceSettings Skipping = new() { SkipHolidays = true };
    private static readonly SequenceStep Email = new() { StepType = StepType.Email };

    [Fact]
    public void A_UK_lead_due_on_Christmas_Day_goes_on_the_business_day_after_Boxing_Day()
    {
        // 2026: Christmas is a Friday, Boxing Day a Saturday, so its bank holiday is Monday 28 December.
        var plan = Schedule.Plan(Email, Utc("2026-12-25T10:00"), Zone("Europe/London"), Skipping, Schedule.HolidaysFor(Skipping, "GB"));

        plan.DueAt.Should().Be(Utc("2026-12-29T09:00"));
        plan.Reasons.Select(r => r.Code).Should().Equal(WaitReason.WeekendCode, WaitReason.HolidayCode);
        plan.Reasons[1].Message.Should().Contain("GB").And.Contain("Christmas").And.Contain("Boxing Day").And.Contain("Tuesday");
    }

    [Fact]
    public void A_US_lead_skips_Thanksgiving_in_the_leads_own_zone()
    {
        // Thursday 26 November 2026, 10:00 in New York -> Friday 09:00 EST.
        var plan = Schedule.Plan(Email, Utc("2026-11-26T15:00"), Zone("America/New_York"), Skipping, Schedule.HolidaysFor(Skipping, "us"));

        plan.DueAt.Should().Be(Utc("2026-11-27T14:00"));
        plan.Reasons.Should().ContainSingle().Which.Message.Should().Contain("Thanksgiving");
    }

    [Fact]
    public void A_US_lead_skips_Independence_Day()
    {
        // Friday 4 July 2025, 10:00 EDT -> Monday 7 July 09:00 EDT.
        var plan = Schedule.Plan(Email, Utc("2025-07-04T14:00"), Zone("America/New_York"), Skipping, Schedule.HolidaysFor(Skipping, "US"));

        plan.DueAt.Should().Be(Utc("2025-07-07T13:00"));
        plan.Reasons.Select(r => r.Code).Should().Contain(WaitReason.HolidayCode);
    }

    [Fact]
    public void The_holiday_is_the_leads_local_date_not_the_UTC_one()
    {
        // 18:00 UTC on Thursday 3 July 2025 is 14:00 in New York, the working day before the holiday.
        var newYork = Schedule.Plan(Email, Utc("2025-07-03T18:00"), Zone("America/New_York"), Skipping, Schedule.HolidaysFor(Skipping, "US"));
        newYork.DueAt.Should().Be(Utc("2025-07-03T18:00"));
    }

    [Fact]
    public void Holidays_apply_even_when_weekends_are_send_days()
    {
        var settings = Skipping with { BusinessDaysOnly = false };
        var plan = Schedule.Plan(Email, Utc("2026-12-25T10:00"), Zone("Europe/London"), settings, Schedule.HolidaysFor(settings, "GB"));

        plan.DueAt.Should().Be(Utc("2026-12-26T09:00")); // Saturday is a send day; only Christmas is skipped
        plan.Reasons.Select(r => r.Code).Should().Equal(WaitReason.HolidayCode);
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(true, "")]
    [InlineData(true, "XX")]
    [InlineData(false, "GB")]
    public void A_lead_without_a_known_country_or_a_sequence_not_skipping_holidays_is_unaffected(bool skip, string? country)
    {
        var settings = new SequenceSettings { SkipHolidays = skip };
        var plan = Schedule.Plan(Email, Utc("2026-12-24T10:00"), Zone("Europe/London"), settings, Schedule.HolidaysFor(settings, country));

        plan.DueAt.Should().Be(Utc("2026-12-24T10:00"));
        plan.Reasons.Should().BeEmpty();
    }

    [Fact]
    public void The_engine_only_applies_the_leads_calendar_when_the_sequence_skips_holidays()
    {
        var step = new SequenceStep { Id = Guid.NewGuid(), StepOrder = 1, StepType = StepType.Email };
        var christmas = Utc("2026-12-25T10:00");
        var context = new EngineContext(christmas, Zone("Europe/London"), Guid.NewGuid(), [], HolidayCalendar.For("GB"));

        var plain = new SequencePlan(Guid.NewGuid(), [step], new SequenceSettings());
        EnrollmentEngine.Enroll(new EnrollmentCursor(), plain, context, christmas, []).Should().BeOfType<Wait>().Which.Until.Should().Be(christmas);

        var skipping = new SequencePlan(Guid.NewGuid(), [step], Skipping);
        var cursor = new EnrollmentCursor { CurrentStepId = step.Id, CurrentStepOrder = 1, NextActionAt = christmas };
        var overdue = EnrollmentEngine.Next(cursor, skipping, context, []);
        overdue.Should().BeOfType<Wait>().Which.Until.Should().Be(Utc("2026-12-29T09:00"));
    }

    [Fact]
    public void The_simulator_timeline_shows_the_holiday_as_the_reason()
    {
        var step = new SequenceStep { Id = Guid.NewGuid(), StepOrder = 1, StepType = StepType.Email, DelayDays = 1 };
        var plan = new SequencePlan(Guid.NewGuid(), [step], Skipping);

        var timeline = Simulator.Run(plan, Zone("Europe/London"), Utc("2026-12-24T10:00"), [], 30, country: "GB");

        timeline.Should().Contain(e => e.Action == "step_scheduled" && e.Reason!.Contains("Public holiday in GB (Christmas, Boxing Day)"));
        timeline.Single(e => e.Action == "email_sent").At.Should().Be(Utc("2026-12-29T09:00"));
        Simulator.Run(plan, Zone("Europe/London"), Utc("2026-12-24T10:00"), [], 30).Single(e => e.Action == "email_sent").At
            .Should().Be(Utc("2026-12-25T10:00"));
    }
}
