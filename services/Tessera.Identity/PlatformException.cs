using Microsoft.AspNetCore.Http;

namespace Tessera.Identity;

/// <summary>
/// A client mistake found by an identity operation (bad input, taken name, missing tenant, not allowed). The platform
/// API turns it into RFC 9457 problem details with <see cref="Status"/>; the pages show <see cref="Detail"/>.
/// </summary>
/// <remarks>
/// Note: an exception, not a result type, because the same operations serve the API, the console pages and the
/// bootstrap, and every failure aborts the whole operation (its transaction rolls back: nothing is half-created).
/// </remarks>
public sealed class PlatformException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string Detail { get; } = detail;

    public static PlatformException Invalid(string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static PlatformException Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);

    public static PlatformException NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);

    public static PlatformException Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Forbidden", detail);
}
