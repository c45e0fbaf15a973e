using Sequences.Core.Mail;

namespace Sequences.Tests.Core.Mail;

public sealed class EmailThreadTests
{
    private static readonly DateTime Start = new(2030, 1, 7, 9, 0, 0, DateTimeKind.Utc);

    private static SentMail Sent(int day, string subject) => new($"<m{day}@sender.example>", subject, Start.AddDays(day));

    [Fact]
    public void Nothing_sent_yet_means_no_reply_and_the_step_keeps_its_own_subject()
    {
        EmailThread.ReplyTo([]).Should().BeNull();
        EmailThread.ReplyTo([new SentMail("<m@x>", null, Start)]).Should().BeNull("an email without a subject has no conversation to continue");
    }

    [Fact]
    public void A_reply_answers_the_last_sent_email_whatever_order_they_are_read_in()
    {
        var reply = EmailThread.ReplyTo([Sent(4, "Re: Intro"), Sent(0, "Intro"), Sent(2, "Re: Intro")])!;

        reply.Subject.Should().Be("Re: Intro", "one reply prefix, however many the last subject had");
        reply.InReplyTo.Should().Be("<m4@sender.example>");
        reply.References.Should().Equal("<m0@sender.example>", "<m2@sender.example>", "<m4@sender.example>");
    }

    [Fact]
    public void References_keep_to_the_last_subject_and_to_the_newest_ten()
    {
        var reply = EmailThread.ReplyTo(Enumerable.Range(0, 12).Select(d => Sent(d, d % 2 == 0 ? "Intro" : "RE : re: Intro")).Append(Sent(20, "Other")))!;
        reply.Subject.Should().Be("Re: Other");
        reply.References.Should().Equal("<m20@sender.example>");

        var longThread = EmailThread.ReplyTo(Enumerable.Range(0, 12).Select(d => Sent(d, d % 2 == 0 ? "Intro" : "RE : re: Intro")))!;
        longThread.References.Should().HaveCount(EmailThread.MaxReferences).And.StartWith("<m2@sender.example>").And.EndWith("<m11@sender.example>");
    }

    [Theory]
    [InlineData("Re: Re: Hello", "Hello")]
    [InlineData("RE :hello ", "hello")]
    [InlineData("Regarding our call", "Regarding our call")]
    [InlineData("Hello re: you", "Hello re: you")]
    public void The_topic_is_the_subject_without_its_reply_prefixes(string subject, string topic) =>
        EmailThread.Topic(subject).Should().Be(topic);
}
