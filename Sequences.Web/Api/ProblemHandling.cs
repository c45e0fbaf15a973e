using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Sequences.Core.Common;

namespace Sequences.Web.Api;

/// <summary>Every failure of the API as an RFC 9457 problem detail; validation problems carry
/// <c>errors: [{step_id, field, code, severity, message}]</c>.</summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            InputRejectedException e => Problems.Validation(e.Issues),
            UnprocessableException e => Problems.Unprocessable(e.Message, e.Issues),
            NotFoundException e => Problems.Create(StatusCodes.Status404NotFound, "Not found", e.Message),
            ConflictException e => Problems.Create(StatusCodes.Status409Conflict, "Conflict", e.Message),
            BadHttpRequestException e => FromBadRequest(e),
            JsonException e => Problems.Json(e),
            _ => null,
        };
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = Problems.Create(StatusCodes.Status500InternalServerError, "Server error", "An unexpected error occurred.");
        }
        context.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException e)
    {
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return Problems.Create(413, "Payload too large", "The request body is larger than 1 MB.");
        if (e.InnerException is JsonException json) return Problems.Json(json);
        if (e.Message.Contains("no body was provided", StringComparison.Ordinal))
            return Problems.Validation([ValidationIssue.Error("body", "required", "The request needs a JSON body.")]);
        // The framework names the C# parameter; the client knows it by its snake_case name.
        if (BindFailure().Match(e.Message) is { Success: true } bind)
        {
            var field = JsonNamingPolicy.SnakeCaseLower.ConvertName(bind.Groups["name"].Value);
            var value = bind.Groups["value"].Value is { Length: > 60 } longValue ? longValue[..60] + "…" : bind.Groups["value"].Value;
            return Problems.Validation([ValidationIssue.Error(field, "invalid_value", bind.Groups["type"].Value.Contains("Guid")
                ? $"{field} '{value}' is not a valid id."
                : $"{field} '{value}' is not a valid value.")]);
        }
        if (RequiredMissing().Match(e.Message) is { Success: true } missing)
        {
            var field = JsonNamingPolicy.SnakeCaseLower.ConvertName(missing.Groups["name"].Value);
            return Problems.Validation([ValidationIssue.Error(field, "required", $"{field} is required.")]);
        }
        return Problems.Create(e.StatusCode, "Bad request", "The request could not be read.");
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>.+) (?<name>\w+)" from "(?<value>.*)"\.?$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("""^Required parameter "(?<type>.+) (?<name>\w+)" was not provided""")]
    private static partial Regex RequiredMissing();
}

public static class Problems
{
    public static ProblemDetails Create(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    public static ProblemDetails Validation(IReadOnlyList<ValidationIssue> issues)
    {
        var problem = Create(StatusCodes.Status400BadRequest, "Invalid request",
            issues.Count == 1 ? issues[0].Message : $"{issues.Count} problems: {string.Join(" ", issues.Take(5).Select(i => i.Message))}");
        problem.Extensions["errors"] = issues.Select(IssueDto.From).ToList();
        return problem;
    }

    public static ProblemDetails Unprocessable(string detail, IReadOnlyList<ValidationIssue> issues)
    {
        var problem = Create(StatusCodes.Status422UnprocessableEntity, "Cannot do this now", detail);
        problem.Extensions["errors"] = issues.Select(IssueDto.From).ToList();
        return problem;
    }

    /// <summary>"$.steps[0].delay_days" -> "steps[0].delay_days"; the root is "body".</summary>
    public static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        return path.StartsWith("$.") ? path[2..] : path.TrimStart('$');
    }

    /// <summary>A body that could not be read: not JSON at all (the reader failed, wherever it stopped) concerns the
    /// body; JSON with a value of the wrong type concerns that value's field.</summary>
    public static ProblemDetails Json(JsonException e)
    {
        // System.Text.Json wraps the reader's own exception (a JsonException) when the text is not JSON.
        if (e.InnerException is JsonException && e.LineNumber is { } line && e.BytePositionInLine is { } position)
            return Validation([ValidationIssue.Error("body", "invalid_json",
                $"The body is not valid JSON: it breaks off or has a syntax error at line {line + 1}, position {position + 1}.")]);
        var field = FieldFromPath(e.Path);
        return Validation([ValidationIssue.Error(field, "invalid_json", field == "body"
            ? "The body is not valid JSON of the expected shape."
            : $"{field} has a value of the wrong type or format.")]);
    }
}

/// <summary>One entry of a problem's <c>errors</c>.</summary>
public sealed record IssueDto(Guid? StepId, string Field, string Code, IssueSeverity Severity, string Message)
{
    public static IssueDto From(ValidationIssue i) => new(i.StepId, i.Field, i.Code, i.Severity, i.Message);
}
