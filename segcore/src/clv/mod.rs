//! Customer lifetime value: buy-till-you-die models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB,
//! Gamma-Gamma), their summaries and discounted value.
