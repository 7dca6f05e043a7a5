package dev.aegis.inference.batch;

/** ACCEPTED while items may still be processed; CANCELLED once the owner cancelled it. */
public enum BatchStatus { ACCEPTED, CANCELLED }
