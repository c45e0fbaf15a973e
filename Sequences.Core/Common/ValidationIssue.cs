namespace Sequences.Core.Common;

public enum IssueSeverity { Error, Warning }

/// <summary>One problem found in input or in a stored sequence; the API's <c>errors</c> entries.</summary>
public sealed record ValidationIssue(Guid? StepId, string Field, string Code, IssueSeverity Severity, string Message)
{
    public static ValidationIssue Error(string field, string code, string message, Guid? stepId = null) =>
        new(stepId, field, code, IssueSeverity.Error, message);

    public static ValidationIssue Warning(string field, string code, string message, Guid? stepId = null) =>
        new(stepId, field, code, IssueSeverity.Warning, message);
}

/// <summary>Thrown when input is rejected before anything is stored (API: 400 with every issue).</summary>
public sealed class InputRejectedException(IReadOnlyList<ValidationIssue> issues)
    : Exception(issues.Count > 0 ? issues[0].Message : "The request is invalid.")
{
    public IReadOnlyList<ValidationIssue> Issues { get; } = issues;

    public InputRejectedException(string field, string code, string message)
        : this([ValidationIssue.Error(field, code, message)]) { }
}

/// <summary>The request conflicts with the current state of a resource (API: 409).</summary>
public class ConflictException(string message) : Exception(message);

/// <summary>An id that is unknown or belongs to another tenant (API: 404).</summary>
public sealed class NotFoundException(string resource, Guid id) : Exception($"{resource} {id} was not found.")
{
    public string Resource { get; } = resource;
    public Guid Id { get; } = id;
}

/// <summary>The resource is stored but not in a state to do this (API: 422 with every problem), e.g. starting a sequence with errors.</summary>
public sealed class UnprocessableException(string message, IReadOnlyList<ValidationIssue> issues) : Exception(message)
{
    public IReadOnlyList<ValidationIssue> Issues { get; } = issues;
}
