package dev.runcmd.control.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The action a REST method performs and on what: the resource its path names, less {@link #up} trailing segments
 * (a list names its parent, {@code …/runCommands/{name}/cancel} its run command). {@link AuthorizationFilter}
 * checks it before the method runs. Every REST method carries this or {@link AuthorizedInside}; a method with neither
 * is refused ({@code AuthorizationCoverageTest} keeps it so).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Authorize {

    /** The action, one of {@link Actions}. */
    String value();

    /** How many trailing path segments to drop to reach the resource the action is on. */
    int up() default 0;
}
