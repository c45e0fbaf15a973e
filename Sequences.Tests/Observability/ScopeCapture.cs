using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sequences.Tests.Observability;

/// <summary>Keeps each log message with the scope values around it, as a structured log sink would see them.</summary>
public sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<(string Message, IReadOnlyDictionary<string, object?> Scope)> Entries { get; } = new();

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private sealed class Logger(ScopeCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var values = new Dictionary<string, object?>();
            owner._scopes.ForEachScope((scope, into) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (key, value) in pairs) into[key] = value;
            }, values);
            owner.Entries.Enqueue((formatter(state, exception), values));
        }
    }
}
