using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Sequences.Core.Leads;
using Sequences.Core.Templates;

namespace Sequences.Tests.Core;

public sealed class LiquidTemplatesTests
{
    private readonly LiquidTemplates _templates = new();

    private static Lead Ada() => new()
    {
        Id = Guid.Parse("0b7f5d2e-1c3a-4e5f-9a8b-7c6d5e4f3a2b"),
        Email = "ada@example.com",
        Name = "Ada Lovelace",
        FirstName = "Ada",
        LastName = "Lovelace",
        Company = "Analytical Engines",
        Title = "CTO",
        Timezone = "Europe/London",
        Country = "GB",
        Status = "new",
        Tags = ["vip", "beta"],
        Custom = new() { ["plan"] = "pro", ["Plan Type"] = "annual" },
    };

    private static TemplateModel AdaModel() =>
        TemplateModel.For(Ada(), "Grace Hopper", "grace@example.com", "Spring launch", "https://app.example/u/tok?x=1&y=2");

    // ---- parsing -------------------------------------------------------------------------

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Plain text, no Liquid")]
    [InlineData("Hi {{ lead.first_name | default: 'there' }}")]
    [InlineData("{% if lead.company %}at {{ lead.company }}{% else %}hi{% endif %}")]
    [InlineData("{% for t in lead.tags %}{{ forloop.index }}{{ t }}{% endfor %}")]
    [InlineData("{% raw %}{{ not parsed {% if %}{% endraw %}")]
    public void Accepts_valid_liquid(string? source)
    {
        _templates.TryParse(source, out var error).Should().BeTrue();
        error.Should().BeNull();
    }

    [Theory]
    [InlineData("{% if %}x{% endif %}", "Invalid 'if' tag")]
    [InlineData("{{ lead.first_name | }}", "identifier was expected")]
    [InlineData("{% if lead.company %}never closed", "(1:")]
    [InlineData("{% endif %}", "(1:")]
    [InlineData("{{ lead.first_name", "(1:")]
    [InlineData("{% unknowntag %}", "Unknown tag 'unknowntag'")]
    [InlineData("{% for x in %}{% endfor %}", "(1:")]
    public void Reports_syntax_errors_with_the_parsers_message(string source, string expected)
    {
        _templates.TryParse(source, out var error).Should().BeFalse();
        error.Should().Contain(expected);
        error.Should().NotContain("\n", "the echoed source after the position is trimmed");
    }

    [Fact]
    public void Rejects_nesting_that_would_overflow_the_parsers_stack()
    {
        // 5,000 nested ifs crash the process with a stack overflow inside Fluid's parser.
        var source = string.Concat(Enumerable.Repeat("{% if true %}", 5_000)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 5_000));

        _templates.TryParse(source, out var error).Should().BeFalse();
        error.Should().Contain("nests blocks more than 32 levels");
        _templates.Invoking(t => t.Render(source, TemplateModel.Empty)).Should().Throw<TemplateRenderException>();
    }

    [Fact]
    public void Rejects_operator_chains_that_would_overflow_the_renderers_stack()
    {
        var source = "{{ lead.first_name" + string.Concat(Enumerable.Repeat(" | upcase", 20_000)) + " }}";

        _templates.TryParse(source, out var error).Should().BeFalse();
        error.Should().Contain("longer than 2000 characters");
    }

    [Fact]
    public void Accepts_moderate_nesting()
    {
        var source = string.Concat(Enumerable.Repeat("{% if true %}", 30)) + "deep" + string.Concat(Enumerable.Repeat("{% endif %}", 30));

        _templates.Render(source, TemplateModel.Empty).Should().Be("deep");
    }

    // ---- variables -------------------------------------------------------------------------

    public static TheoryData<string, string[]> Variables => new()
    {
        { "Hi {{ lead.first_name }}", ["lead.first_name"] },
        { "{{ lead.email }} and {{ lead.email }} again", ["lead.email"] },
        { "{% if lead.company %}{{ lead.company }}{% elsif lead.title %}{% else %}{{ custom.plan }}{% endif %}", ["lead.company", "lead.title", "custom.plan"] },
        { "{% unless user.name == '' %}{{ user.email }}{% endunless %}", ["user.name", "user.email"] },
        { "{% case lead.country %}{% when 'DE' %}{{ campaign.name }}{% else %}{{ lead.timezone }}{% endcase %}", ["lead.country", "campaign.name", "lead.timezone"] },
        { "{{ lead.first_name | default: lead.name | append: custom.suffix }}", ["lead.first_name", "lead.name", "custom.suffix"] },
        { "{% if lead.status == 'new' %}{% for t in lead.tags %}{% if t == custom.vip %}<a href=\"{{ unsubscribe_url }}\">x</a>{% endif %}{% endfor %}{% endif %}",
            ["lead.status", "lead.tags", "custom.vip", "unsubscribe_url"] },
        { "{% for tag in lead.tags limit: custom.n %}{{ tag | upcase }} {{ forloop.index }}{% endfor %}", ["lead.tags", "custom.n"] },
        { "{% for tag in lead.tags %}{{ tag }}{% endfor %}{{ tag }}", ["lead.tags", "tag"] },
        { "{% for i in (1..custom.count) %}{{ i }}{% endfor %}", ["custom.count"] },
        { "{% tablerow t in lead.tags %}{{ t }}{{ tablerowloop.col }}{% endtablerow %}", ["lead.tags"] },
        { "{% assign greeting = lead.first_name | default: 'there' %}{{ greeting }}", ["lead.first_name"] },
        { "{{ x }}{% assign x = 1 %}{{ x }}", ["x"] },
        { "{% capture signature %}{{ user.name }}{% endcapture %}{{ signature }}", ["user.name"] },
        { "{{ custom['Plan Type'] }} {{ lead['email'] }}", ["custom.Plan Type", "lead.email"] },
        { "{{ lead.tags[0] }} {{ lead.tags.size }} {{ lead.tags[custom.i] }}", ["lead.tags", "lead.tags.size", "custom.i"] },
        { "{% if lead.company == empty or lead.title == blank or lead.name != nil %}{% endif %}", ["lead.company", "lead.title", "lead.name"] },
        { "{{ lead.nickname }} {{ foo }}", ["lead.nickname", "foo"] },
        { "No variables at all", [] },
        { "{% if %}broken", [] },
    };

    [Theory]
    [MemberData(nameof(Variables))]
    public void Finds_the_variables_a_template_reads(string source, string[] expected) =>
        _templates.FindVariables(source).Should().Equal(expected);

    [Theory]
    [InlineData("lead.id")]
    [InlineData("lead.email")]
    [InlineData("lead.name")]
    [InlineData("lead.first_name")]
    [InlineData("lead.last_name")]
    [InlineData("lead.company")]
    [InlineData("lead.title")]
    [InlineData("lead.timezone")]
    [InlineData("lead.country")]
    [InlineData("lead.status")]
    [InlineData("lead.tags")]
    [InlineData("lead.tags.size")]
    [InlineData("lead.tags.first")]
    [InlineData("lead.first_name.size")]
    [InlineData("user.name")]
    [InlineData("user.email")]
    [InlineData("campaign.name")]
    [InlineData("custom.plan")]
    [InlineData("custom.Plan Type")]
    [InlineData("unsubscribe_url")]
    public void Knows_the_models_variables(string path) =>
        LiquidTemplates.IsKnownVariable(path).Should().BeTrue();

    [Theory]
    [InlineData("")]
    [InlineData("foo")]
    [InlineData("lead")]
    [InlineData("lead.nickname")]
    [InlineData("lead.first_name.upcase")]
    [InlineData("lead.tags.size.x")]
    [InlineData("Lead.first_name")]
    [InlineData("user.phone")]
    [InlineData("campaign.id")]
    [InlineData("custom")]
    [InlineData("custom.")]
    [InlineData("unsubscribe_url.x")]
    [InlineData("tag")]
    public void Treats_anything_else_as_unknown(string path) =>
        LiquidTemplates.IsKnownVariable(path).Should().BeFalse();

    // ---- rendering -------------------------------------------------------------------------

    [Fact]
    public void Renders_every_model_field_by_its_snake_case_name()
    {
        const string source =
            "{{ lead.id }}|{{ lead.email }}|{{ lead.name }}|{{ lead.first_name }}|{{ lead.last_name }}|{{ lead.company }}|" +
            "{{ lead.title }}|{{ lead.timezone }}|{{ lead.country }}|{{ lead.status }}|{{ lead.tags | join: ',' }}|{{ lead.tags.size }}|" +
            "{{ custom.plan }}|{{ custom['Plan Type'] }}|{{ user.name }}|{{ user.email }}|{{ campaign.name }}|{{ unsubscribe_url }}";

        _templates.Render(source, AdaModel()).Should().Be(
            "0b7f5d2e-1c3a-4e5f-9a8b-7c6d5e4f3a2b|ada@example.com|Ada Lovelace|Ada|Lovelace|Analytical Engines|" +
            "CTO|Europe/London|GB|new|vip,beta|2|pro|annual|Grace Hopper|grace@example.com|Spring launch|https://app.example/u/tok?x=1&y=2");
    }

    [Theory]
    [InlineData("Hi {{ lead.nickname }}!", "Hi !")]
    [InlineData("Hi {{ foo.bar.baz }}!", "Hi !")]
    [InlineData("Hi {{ lead.first_name }}!", "Hi !")]
    [InlineData("Hi {{ lead.first_name | default: 'there' }}!", "Hi there!")]
    [InlineData("Plan: {{ custom.missing | upcase }}.", "Plan: .")]
    [InlineData("{% if lead.company %}at {{ lead.company }}{% else %}no company{% endif %}", "no company")]
    [InlineData("{% for t in lead.tags %}[{{ t }}]{% else %}no tags{% endfor %}", "no tags")]
    public void Missing_values_render_empty(string source, string expected)
    {
        var lead = new Lead { Email = "bare@example.com" };
        _templates.Render(source, TemplateModel.For(lead, null, null, null, null)).Should().Be(expected);
    }

    [Theory]
    [InlineData(true, "<p>Tom &amp; &lt;Jerry&gt; &quot;Q&quot; José</p>")]
    [InlineData(false, "<p>Tom & <Jerry> \"Q\" José</p>")]
    public void Html_encodes_values_only_when_asked(bool encodeHtml, string expected)
    {
        var lead = new Lead { Email = "t@example.com", Company = "Tom & <Jerry> \"Q\" José" };

        _templates.Render("<p>{{ lead.company }}</p>", TemplateModel.For(lead, null, null, null, null), encodeHtml).Should().Be(expected);
    }

    [Fact]
    public void Raw_output_and_captures_are_not_encoded_twice()
    {
        var lead = new Lead { Email = "t@example.com", Company = "A&B" };
        var model = TemplateModel.For(lead, null, null, null, null);

        _templates.Render("{% capture c %}<b>{{ lead.company }}</b>{% endcapture %}{{ c }}", model, encodeHtml: true)
            .Should().Be("<b>A&amp;B</b>");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void An_empty_template_renders_empty(string? source) =>
        _templates.Render(source, AdaModel()).Should().BeEmpty();

    [Fact]
    public void An_invalid_template_fails_to_render_with_the_parser_error() =>
        _templates.Invoking(t => t.Render("{% if %}", AdaModel()))
            .Should().Throw<TemplateRenderException>().WithMessage("*Invalid 'if' tag*");

    [Fact]
    public void Includes_render_nothing_and_never_read_files()
    {
        var names = new[] { "secret", "secret.liquid" };
        var folders = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetTempPath() };
        var planted = folders.Distinct().SelectMany(f => names.Select(n => Path.Combine(f, n))).ToList();
        foreach (var path in planted) File.WriteAllText(path, "LEAKED");
        try
        {
            var output = _templates.Render("a{% include 'secret' %}b{% include 'secret.liquid' %}c{% render 'secret' %}d", AdaModel());

            output.Should().Be("abcd");
        }
        finally
        {
            foreach (var path in planted) File.Delete(path);
        }
    }

    [Fact]
    public void Model_objects_expose_no_clr_members()
    {
        var model = new TemplateModel(new Dictionary<string, object?> { ["holder"] = new SecretHolder() });

        _templates.Render("[{{ holder.Secret }}][{{ holder.secret }}][{{ holder }}]", model).Should().Be("[][][holder]");
    }

    private sealed class SecretHolder
    {
        public string Secret => "LEAKED";
        public override string ToString() => "holder";
    }

    [Fact]
    public void Dates_use_the_injected_clock_in_utc()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 4, 23, 30, 0, TimeSpan.Zero));
        var templates = new LiquidTemplates(timeProvider: clock);

        templates.Render("{{ 'now' | date: '%Y-%m-%d %H:%M' }}", TemplateModel.Empty).Should().Be("2031-03-04 23:30");
    }

    // ---- sandbox limits --------------------------------------------------------------------

    public static TheoryData<string, string> Runaways => new()
    {
        // 100 million iterations: the step limit stops it.
        { "{% for i in (1..10000) %}{% for j in (1..10000) %}{% endfor %}{% endfor %}", "steps" },
        // A billion-item range would be materialised before the first step is counted.
        { "{% for i in (1..1000000000) %}x{% endfor %}", "range" },
        { "{% assign r = (1..1000000000) %}{{ r.size }}", "range" },
        // Doubling a string 40 times takes 40 steps and a terabyte.
        { "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s.size }}", "value in the template is longer than" },
        { "{% capture s %}x{% endcapture %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s.size }}", "than" },
        // Each capture stays under the value limit; together they produce far more than any email.
        { "{% capture s %}{% for i in (1..2000) %}" + new string('x', 100) + "{% endfor %}{% endcapture %}{% for i in (1..9) %}{% capture t %}{{ s }}{% endcapture %}{% endfor %}", "produced more than" },
        { "{% capture a %}{% for i in (1..3000) %}aa{% endfor %}{% endcapture %}{{ a | replace: 'a', a }}", "value in the template is longer than" },
        { "{% capture a %}{% for i in (1..3000) %}aa{% endfor %}{% endcapture %}{% assign l = (1..5000) %}{{ l | join: a }}", "value in the template is longer than" },
        { "{% for i in (1..5000) %}{{ lead.company }}{{ lead.company }}{{ lead.company }}{% endfor %}", "rendered text is longer than 262144" },
    };

    [Theory]
    [MemberData(nameof(Runaways))]
    public void Runaway_templates_fail_fast_instead_of_hanging(string source, string messagePart)
    {
        var clock = Stopwatch.StartNew();

        _templates.Invoking(t => t.Render(source, AdaModel()))
            .Should().Throw<TemplateRenderException>().Which.Message.Should().Contain(messagePart);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Limits_are_configurable()
    {
        var templates = new LiquidTemplates(new TemplateLimits { MaxOutputChars = 10 });

        templates.Render("0123456789", TemplateModel.Empty).Should().Be("0123456789");
        templates.Invoking(t => t.Render("0123456789A", TemplateModel.Empty)).Should().Throw<TemplateRenderException>();
    }

    [Fact]
    public void Renders_concurrently_from_one_instance()
    {
        var results = new string[200];

        Parallel.For(0, results.Length, i =>
        {
            var lead = new Lead { Email = $"lead{i}@example.com", FirstName = $"Lead{i}" };
            results[i] = _templates.Render("Hi {{ lead.first_name }} <{{ lead.email }}>", TemplateModel.For(lead, null, null, null, null));
        });

        results.Should().Equal(Enumerable.Range(0, results.Length).Select(i => $"Hi Lead{i} <lead{i}@example.com>"));
    }
}
