using Microsoft.Playwright;

namespace Sequences.Tests.Browser;

/// <summary>Holds the page's animation frames back, as a busy browser does between a click and its next paint, so
/// that a test can type in that gap on purpose instead of by chance.</summary>
public static class AnimationFrames
{
    public static Task HoldAsync(IPage page) => page.EvaluateAsync("""
        () => {
            const held = [];
            const next = window.requestAnimationFrame;
            window.requestAnimationFrame = callback => held.push(callback);
            window.releaseAnimationFrames = () => {
                window.requestAnimationFrame = next;
                held.forEach(callback => next(callback));
            };
        }
        """);

    public static Task ReleaseAsync(IPage page) => page.EvaluateAsync("() => window.releaseAnimationFrames()");
}
