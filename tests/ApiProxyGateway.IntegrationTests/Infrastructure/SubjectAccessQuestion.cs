namespace ApiProxyGateway.IntegrationTests.Infrastructure;

/// <summary>One SubjectAccessReview the test API server was asked.</summary>
public sealed record SubjectAccessQuestion(string User, string[] Groups, string Verb, string Resource, string Subresource, string Name, string Namespace);
