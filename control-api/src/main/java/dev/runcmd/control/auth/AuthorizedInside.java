package dev.runcmd.control.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a REST method that authorizes inside, because what it acts on is known only once read (an operation's
 * resource, a token's scope) or because it filters a list to what the caller may read.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AuthorizedInside {
}
