using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sequences.Tests.Infrastructure;

namespace Sequences.Tests.Api;

/// <summary>Helpers shared by the API test classes; every class runs once per provider.</summary>
public abstract class ApiTestBase(SequencesApp app)
{
    protected SequencesApp App { get; } = app;
    protected HttpClient A { get; } = app.ClientFor(SequencesApp.KeyA);
    protected HttpClient B { get; } = app.ClientFor(SequencesApp.KeyB);

    protected static object Email(string subject = "Hi {{ lead.first_name }}", string body = "<p>Hello {{ lead.name }}</p>", int delayDays = 0) =>
        new { step_type = "email", subject_line = subject, body_html = body, delay_days = delayDays };

    protected async Task<JsonObject> CreateSequenceAsync(HttpClient client, string name = "Outreach", params object[] steps)
    {
        var response = await client.PostJsonAsync("/api/sequences", new { name, steps });
        await ExpectAsync(response, HttpStatusCode.Created);
        return await JsonAsync(response);
    }

    protected static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    protected static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            throw new Xunit.Sdk.XunitException($"Expected {(int)status} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A 4xx problem detail: RFC 9457 content type, status in the body, and (for 400) the field named.</summary>
    protected static async Task<JsonObject> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        await ExpectAsync(response, status);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = await JsonAsync(response);
        problem["status"]!.GetValue<int>().Should().Be((int)status);
        if (field is not null)
            problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Should().Contain(field, because: problem.ToJsonString());
        return problem;
    }

    protected static Guid Id(JsonNode node) => Guid.Parse(node["id"]!.GetValue<string>());

    protected static JsonArray Steps(JsonObject sequence) => sequence["steps"]!.AsArray();

    protected static string Canonical(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
